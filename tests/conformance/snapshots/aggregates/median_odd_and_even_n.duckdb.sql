-- headway: metric median_order (metrics/metrics.yml:37)
-- grain=day by=- engine=duckdb spec=47a915ec6332cc5a
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01,2024-01-02,2024-01-03,2024-01-04', ',') AS DATE[])) AS "period"
), "l0" /* metric median_order (metrics/metrics.yml:37) as v0: median over orders, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    QUANTILE_CONT("t"."amount", 0.5) AS "v0",
    COUNT("t"."amount") AS "n0"
  FROM "hw_orders" AS "t"
  GROUP BY
    CAST("t"."ts" AS DATE)
)
/* metric median_order (metrics/metrics.yml:37) */
SELECT
  "f"."period",
  "l0"."v0" AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
