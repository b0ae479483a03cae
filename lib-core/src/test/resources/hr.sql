CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
CREATE TABLE employees (
  id bigint PRIMARY KEY, name text NOT NULL, email text UNIQUE, department text,
  salary numeric(12,2), hired_at timestamptz DEFAULT now(), active boolean DEFAULT true,
  manager_id bigint REFERENCES employees (id));
CREATE TABLE orders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  employee_id bigint NOT NULL REFERENCES employees (id),
  status order_status NOT NULL DEFAULT 'pending', total numeric(10,2) NOT NULL,
  currency char(3) NOT NULL DEFAULT 'USD', created_at timestamp NOT NULL DEFAULT now(), notes text);
CREATE TABLE payments (
  order_id uuid NOT NULL REFERENCES orders (id), seq integer NOT NULL,
  amount numeric(10,2) NOT NULL, method text NOT NULL, paid_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, seq));
