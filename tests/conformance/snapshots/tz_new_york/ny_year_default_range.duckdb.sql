-- headway: metric events (metrics/metrics.yml:2)
-- grain=year by=- engine=duckdb spec=164e2cf2d4c4da5b
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01', ',') AS DATE[])) AS "period"
), "l0" /* metric events (metrics/metrics.yml:2) as v0: count over events, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', TIMEZONE('America/New_York', CAST("t"."ts" AS TIMESTAMPTZ))) AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_events" AS "t"
  GROUP BY
    CAST(DATE_TRUNC('YEAR', TIMEZONE('America/New_York', CAST("t"."ts" AS TIMESTAMPTZ))) AS DATE)
)
/* metric events (metrics/metrics.yml:2) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
