-- headway: metric sales_by_time (metrics/metrics.yml:22)
-- grain=day by=- engine=duckdb spec=4d6de6e8a1f6ddad
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-02-01,2024-02-02', ',') AS DATE[])) AS "period"
), "l0" /* metric sales_by_time (metrics/metrics.yml:22) as v0: count over sales, plain */ AS (
  SELECT
    CAST(TIMEZONE('Europe/Berlin', CAST("t"."at" AS TIMESTAMPTZ)) AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_sales" AS "t"
  GROUP BY
    CAST(TIMEZONE('Europe/Berlin', CAST("t"."at" AS TIMESTAMPTZ)) AS DATE)
)
/* metric sales_by_time (metrics/metrics.yml:22) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
