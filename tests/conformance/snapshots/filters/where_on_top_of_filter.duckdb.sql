-- headway: metric paid_orders (metrics/metrics.yml:2)
-- grain=day by=- engine=duckdb spec=61bd34b74030eb92
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-02-05,2024-02-06', ',') AS DATE[])) AS "period"
), "l0" /* metric paid_orders (metrics/metrics.yml:2) as v0: count over orders, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_orders" AS "t"
  WHERE
    (
      "t"."amount" > 20 OR "t"."status" = 'pending'
    )
    AND (
      "t"."status" IN ('paid', 'shipped')
    )
    AND (
      NOT "t"."is_test"
    )
  GROUP BY
    CAST("t"."ts" AS DATE)
)
/* metric paid_orders (metrics/metrics.yml:2) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
