-- headway: metric events (metrics/metrics.yml:2)
-- grain=week by=- engine=duckdb spec=164e2cf2d4c4da5b
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-02-26,2024-03-04,2024-03-11', ',') AS DATE[])) AS "period"
), "l0" /* metric events (metrics/metrics.yml:2) as v0: count over events, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', TIMEZONE('America/New_York', CAST("t"."ts" AS TIMESTAMPTZ))) AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_events" AS "t"
  WHERE
    (
      TIMEZONE('America/New_York', CAST("t"."ts" AS TIMESTAMPTZ)) >= CAST('2024-02-26 00:00:00' AS TIMESTAMP)
    )
    AND (
      TIMEZONE('America/New_York', CAST("t"."ts" AS TIMESTAMPTZ)) < CAST('2024-03-18 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."ts" < CAST('2024-03-19 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."ts" >= CAST('2024-02-25 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(DATE_TRUNC('WEEK', TIMEZONE('America/New_York', CAST("t"."ts" AS TIMESTAMPTZ))) AS DATE)
)
/* metric events (metrics/metrics.yml:2) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
