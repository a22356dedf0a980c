-- The schema of the app: the official image runs this once on a new data directory; beanstack's init
-- container runs it once against the Amazon RDS database.
CREATE TABLE IF NOT EXISTS lists (
  id INT AUTO_INCREMENT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) CHARACTER SET utf8mb4;

INSERT INTO lists (value) VALUES ('hello from the schema init');
