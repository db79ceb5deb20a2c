-- headway: metric mrr (metrics/metrics.yml:7)
-- grain=month by=- engine=duckdb spec=164e2cf2d4c4da5b
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    "v"."period",
    CAST(NULLIF("v"."as_of", '') AS DATE) AS "as_of"
  FROM (
    SELECT
      UNNEST(CAST(STRING_SPLIT('2024-02-01,2024-03-01', ',') AS DATE[])) AS "period",
      UNNEST(STRING_SPLIT('2024-03-01,2024-04-01', ',')) AS "as_of"
  ) AS v
), "l0" /* metric mrr (metrics/metrics.yml:7) as v0: sum over subscriptions, snapshot_interval */ AS (
  SELECT
    "s"."period" AS "period",
    SUM("t"."mrr") AS "v0",
    COUNT("t"."mrr") AS "n0"
  FROM "spine" AS "s"
  INNER JOIN "hw_subscriptions" AS "t"
    ON TIMEZONE('America/New_York', CAST("t"."started_at" AS TIMESTAMPTZ)) < CAST("s"."as_of" AS TIMESTAMP)
    AND (
      TIMEZONE('America/New_York', CAST("t"."ended_at" AS TIMESTAMPTZ)) IS NULL
      OR TIMEZONE('America/New_York', CAST("t"."ended_at" AS TIMESTAMPTZ)) >= CAST("s"."as_of" AS TIMESTAMP)
    )
  GROUP BY
    "s"."period"
)
/* metric mrr (metrics/metrics.yml:7) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
