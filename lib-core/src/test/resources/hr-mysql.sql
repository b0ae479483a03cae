CREATE TABLE $S.employees (
  id BIGINT PRIMARY KEY, name TEXT NOT NULL, email VARCHAR(255) UNIQUE, department TEXT,
  salary DECIMAL(12,2), hired_at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6), active BOOLEAN DEFAULT true,
  manager_id BIGINT, FOREIGN KEY (manager_id) REFERENCES $S.employees (id));
CREATE TABLE $S.orders (
  id CHAR(36) PRIMARY KEY, employee_id BIGINT NOT NULL,
  status ENUM('pending', 'paid', 'shipped', 'cancelled') NOT NULL DEFAULT 'pending', total DECIMAL(10,2) NOT NULL,
  currency CHAR(3) NOT NULL DEFAULT 'USD', created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), notes TEXT,
  FOREIGN KEY (employee_id) REFERENCES $S.employees (id));
CREATE TABLE $S.payments (
  order_id CHAR(36) NOT NULL, seq INT NOT NULL, amount DECIMAL(10,2) NOT NULL, method TEXT NOT NULL,
  paid_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (order_id, seq),
  FOREIGN KEY (order_id) REFERENCES $S.orders (id));
