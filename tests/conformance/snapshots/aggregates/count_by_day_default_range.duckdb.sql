-- headway: metric orders (metrics/metrics.yml:2)
-- grain=day by=- engine=duckdb spec=47a915ec6332cc5a
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01,2024-01-02,2024-01-03,2024-01-04', ',') AS DATE[])) AS "period"
), "l0" /* metric orders (metrics/metrics.yml:2) as v0: count over orders, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_orders" AS "t"
  GROUP BY
    CAST("t"."ts" AS DATE)
)
/* metric orders (metrics/metrics.yml:2) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
