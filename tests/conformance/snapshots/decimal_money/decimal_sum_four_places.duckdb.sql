-- headway: metric fees (metrics/metrics.yml:8)
-- grain=day by=- engine=duckdb spec=0f32339ab43d30ab
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01,2024-01-02,2024-01-03', ',') AS DATE[])) AS "period"
), "l0" /* metric fees (metrics/metrics.yml:8) as v0: sum over payments, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    SUM("t"."fee") AS "v0",
    COUNT("t"."fee") AS "n0"
  FROM "hw_payments" AS "t"
  GROUP BY
    CAST("t"."ts" AS DATE)
)
/* metric fees (metrics/metrics.yml:8) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
