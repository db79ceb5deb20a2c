-- headway: metric paid (metrics/metrics.yml:2)
-- grain=day by=- engine=duckdb spec=0f32339ab43d30ab
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01,2024-01-02,2024-01-03', ',') AS DATE[])) AS "period"
), "l0" /* metric paid (metrics/metrics.yml:2) as v0: sum over payments, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    SUM("t"."amount") AS "v0",
    COUNT("t"."amount") AS "n0"
  FROM "hw_payments" AS "t"
  GROUP BY
    CAST("t"."ts" AS DATE)
)
/* metric paid (metrics/metrics.yml:2) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
