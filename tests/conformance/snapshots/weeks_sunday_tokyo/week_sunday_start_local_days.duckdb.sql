-- headway: metric points (metrics/metrics.yml:2)
-- grain=week by=- engine=duckdb spec=db8164961be9fa93
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2023-12-31,2024-01-07,2024-01-14', ',') AS DATE[])) AS "period"
), "l0" /* metric points (metrics/metrics.yml:2) as v0: sum over events, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', TIMEZONE('Asia/Tokyo', CAST("t"."ts" AS TIMESTAMPTZ)) - INTERVAL '6' DAY) + INTERVAL '6' DAY AS DATE) AS "period",
    SUM("t"."points") AS "v0",
    COUNT("t"."points") AS "n0"
  FROM "hw_events" AS "t"
  GROUP BY
    CAST(DATE_TRUNC('WEEK', TIMEZONE('Asia/Tokyo', CAST("t"."ts" AS TIMESTAMPTZ)) - INTERVAL '6' DAY) + INTERVAL '6' DAY AS DATE)
)
/* metric points (metrics/metrics.yml:2) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
