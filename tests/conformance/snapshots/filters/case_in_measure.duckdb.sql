-- headway: metric net_revenue (metrics/metrics.yml:27)
-- grain=day by=- engine=duckdb spec=61bd34b74030eb92
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-02-05,2024-02-06', ',') AS DATE[])) AS "period"
), "l0" /* metric net_revenue (metrics/metrics.yml:27) as v0: sum over orders, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    SUM(CASE WHEN "t"."status" = 'refunded' THEN -"t"."amount" ELSE "t"."amount" END) AS "v0",
    COUNT(CASE WHEN "t"."status" = 'refunded' THEN -"t"."amount" ELSE "t"."amount" END) AS "n0"
  FROM "hw_orders" AS "t"
  WHERE
    (
      "t"."is_test" = FALSE
    )
  GROUP BY
    CAST("t"."ts" AS DATE)
)
/* metric net_revenue (metrics/metrics.yml:27) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
