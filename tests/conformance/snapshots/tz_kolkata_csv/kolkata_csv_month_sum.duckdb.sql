-- headway: metric kept_amount (metrics/metrics.yml:7)
-- grain=month by=- engine=duckdb spec=9ba6eb38ad41a3ff
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01,2024-02-01,2024-03-01,2024-04-01', ',') AS DATE[])) AS "period"
), "l0" /* metric kept_amount (metrics/metrics.yml:7) as v0: sum over payments, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', TIMEZONE('Asia/Kolkata', CAST("t"."ts" AS TIMESTAMPTZ))) AS DATE) AS "period",
    SUM("t"."amount" * "t"."units") AS "v0",
    COUNT("t"."amount" * "t"."units") AS "n0"
  FROM "hw_payments" AS "t"
  WHERE
    (
      NOT "t"."refunded"
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', TIMEZONE('Asia/Kolkata', CAST("t"."ts" AS TIMESTAMPTZ))) AS DATE)
)
/* metric kept_amount (metrics/metrics.yml:7) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
