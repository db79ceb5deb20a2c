-- headway: metric invoices (metrics/metrics.yml:8)
-- grain=year by=- engine=duckdb spec=2bd9419eb7156cc4
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2023-01-01,2024-01-01', ',') AS DATE[])) AS "period"
), "l0" /* metric invoices (metrics/metrics.yml:8) as v0: count over invoices, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', CAST("t"."issued_on" AS TIMESTAMP)) AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_invoices" AS "t"
  GROUP BY
    CAST(DATE_TRUNC('YEAR', CAST("t"."issued_on" AS TIMESTAMP)) AS DATE)
)
/* metric invoices (metrics/metrics.yml:8) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
