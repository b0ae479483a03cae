-- The tables the changefeed fixtures write (lib-core's hr.sql without its enum and foreign keys: the fixtures
-- posted here reference managers the initial scan would have brought).
CREATE TABLE employees (
  id bigint PRIMARY KEY, name text NOT NULL, email text UNIQUE, department text,
  salary numeric(12,2), hired_at timestamptz DEFAULT now(), active boolean DEFAULT true, manager_id bigint);
CREATE TABLE orders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(), employee_id bigint NOT NULL,
  status text NOT NULL DEFAULT 'pending', total numeric(10,2) NOT NULL,
  currency char(3) NOT NULL DEFAULT 'USD', created_at timestamp NOT NULL DEFAULT now(), notes text);
