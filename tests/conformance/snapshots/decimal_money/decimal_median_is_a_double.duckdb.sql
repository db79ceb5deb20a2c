-- headway: metric median_paid (metrics/metrics.yml:26)
-- grain=day by=- engine=duckdb spec=0f32339ab43d30ab
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01,2024-01-02,2024-01-03', ',') AS DATE[])) AS "period"
), "l0" /* metric median_paid (metrics/metrics.yml:26) as v0: median over payments, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    QUANTILE_CONT(CAST("t"."amount" AS DOUBLE), 0.5) AS "v0",
    COUNT(CAST("t"."amount" AS DOUBLE)) AS "n0"
  FROM "hw_payments" AS "t"
  GROUP BY
    CAST("t"."ts" AS DATE)
)
/* metric median_paid (metrics/metrics.yml:26) */
SELECT
  "f"."period",
  "l0"."v0" AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
