-- headway: metric invoiced (metrics/metrics.yml:2)
-- grain=day by=- engine=duckdb spec=2bd9419eb7156cc4
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-02-28,2024-02-29,2024-03-01', ',') AS DATE[])) AS "period"
), "l0" /* metric invoiced (metrics/metrics.yml:2) as v0: sum over invoices, plain */ AS (
  SELECT
    CAST(CAST("t"."issued_on" AS TIMESTAMP) AS DATE) AS "period",
    SUM("t"."amount") AS "v0",
    COUNT("t"."amount") AS "n0"
  FROM "hw_invoices" AS "t"
  WHERE
    (
      CAST("t"."issued_on" AS TIMESTAMP) >= CAST('2024-02-28 00:00:00' AS TIMESTAMP)
    )
    AND (
      CAST("t"."issued_on" AS TIMESTAMP) < CAST('2024-03-02 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(CAST("t"."issued_on" AS TIMESTAMP) AS DATE)
)
/* metric invoiced (metrics/metrics.yml:2) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
