-- headway: metric max_order (metrics/metrics.yml:31)
-- grain=week by=- engine=duckdb spec=47a915ec6332cc5a
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01', ',') AS DATE[])) AS "period"
), "l0" /* metric max_order (metrics/metrics.yml:31) as v0: max over orders, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', "t"."ts") AS DATE) AS "period",
    MAX("t"."amount") AS "v0",
    COUNT("t"."amount") AS "n0"
  FROM "hw_orders" AS "t"
  GROUP BY
    CAST(DATE_TRUNC('WEEK', "t"."ts") AS DATE)
)
/* metric max_order (metrics/metrics.yml:31) */
SELECT
  "f"."period",
  "l0"."v0" AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
