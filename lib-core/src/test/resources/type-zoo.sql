CREATE TYPE mood AS ENUM ('happy', 'sad', 'ok');
CREATE TABLE type_zoo (id bigint PRIMARY KEY, c_int2 smallint, c_int4 integer, c_int8 bigint,
  c_float8 double precision, c_float8_hundred double precision, c_float8_tiny double precision, c_float8_small double precision,
  c_float8_big double precision, c_float8_nan double precision, c_float8_pos_inf double precision, c_float8_neg_inf double precision,
  c_float4 real, c_decimal_scaled numeric(12,4), c_decimal_small numeric, c_decimal_exp numeric,
  c_decimal_nan numeric, c_decimal_inf numeric, c_string text, c_char3 char(3),
  c_collated text COLLATE "de-x-icu", c_bytes bytea, c_bytes_text bytea, c_bool boolean, c_date date,
  c_time time, c_time_whole time, c_timetz timetz, c_timestamp timestamp, c_timestamp_whole timestamp,
  c_timestamptz timestamptz, c_interval interval, c_interval_ym interval, c_interval_neg interval,
  c_uuid uuid, c_inet4 inet, c_inet_cidr inet, c_inet6 inet, c_jsonb jsonb, c_jsonb_null jsonb,
  c_int_array bigint[], c_string_array text[], c_decimal_array numeric(5,2)[], c_bool_array boolean[],
  c_date_array date[], c_timestamptz_array timestamptz[], c_uuid_array uuid[], c_bytes_array bytea[],
  c_jsonb_array jsonb[], c_enum mood, c_enum_array mood[], c_bit4 bit(4), c_varbit varbit,
  c_geometry geometry, c_geography geography, c_null text);
