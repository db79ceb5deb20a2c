-- headway: metric active_subs (metrics/metrics.yml:2)
-- grain=month by=- engine=duckdb spec=a93f60dc9f09e77f
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    "v"."period",
    CAST(NULLIF("v"."as_of", '') AS DATE) AS "as_of"
  FROM (
    SELECT
      UNNEST(CAST(STRING_SPLIT('2024-01-01,2024-02-01,2024-03-01', ',') AS DATE[])) AS "period",
      UNNEST(STRING_SPLIT('2024-02-01,2024-03-01,2024-04-01', ',')) AS "as_of"
  ) AS v
), "l0" /* metric active_subs (metrics/metrics.yml:2) as v0: count over subscriptions, snapshot_interval */ AS (
  SELECT
    "s"."period" AS "period",
    COUNT(*) AS "v0"
  FROM "spine" AS "s"
  INNER JOIN "hw_subscriptions" AS "t"
    ON "t"."started_at" < CAST("s"."as_of" AS TIMESTAMP)
    AND (
      "t"."ended_at" IS NULL OR "t"."ended_at" >= CAST("s"."as_of" AS TIMESTAMP)
    )
  GROUP BY
    "s"."period"
)
/* metric active_subs (metrics/metrics.yml:2) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
