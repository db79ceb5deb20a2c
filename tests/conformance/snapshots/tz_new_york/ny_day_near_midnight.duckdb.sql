-- headway: metric events (metrics/metrics.yml:2)
-- grain=day by=- engine=duckdb spec=164e2cf2d4c4da5b
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-02-29,2024-03-01', ',') AS DATE[])) AS "period"
), "l0" /* metric events (metrics/metrics.yml:2) as v0: count over events, plain */ AS (
  SELECT
    CAST(TIMEZONE('America/New_York', CAST("t"."ts" AS TIMESTAMPTZ)) AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_events" AS "t"
  WHERE
    (
      TIMEZONE('America/New_York', CAST("t"."ts" AS TIMESTAMPTZ)) >= CAST('2024-02-29 00:00:00' AS TIMESTAMP)
    )
    AND (
      TIMEZONE('America/New_York', CAST("t"."ts" AS TIMESTAMPTZ)) < CAST('2024-03-02 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."ts" < CAST('2024-03-03 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."ts" >= CAST('2024-02-28 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(TIMEZONE('America/New_York', CAST("t"."ts" AS TIMESTAMPTZ)) AS DATE)
)
/* metric events (metrics/metrics.yml:2) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
