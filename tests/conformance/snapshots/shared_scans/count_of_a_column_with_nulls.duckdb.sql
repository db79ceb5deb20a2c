-- headway: metric with_plan (metrics/metrics.yml:37)
-- grain=day by=- engine=duckdb spec=0f130db60efdb39a
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01,2024-01-02,2024-01-03', ',') AS DATE[])) AS "period"
), "l0" /* metric with_plan (metrics/metrics.yml:37) as v0: count over subs, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    COUNT("t"."plan") AS "v0"
  FROM "hw_subs" AS "t"
  GROUP BY
    CAST("t"."ts" AS DATE)
)
/* metric with_plan (metrics/metrics.yml:37) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
