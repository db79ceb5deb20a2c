-- headway: metric mrr (metrics/metrics.yml:9)
-- grain=month by=plan engine=duckdb spec=a93f60dc9f09e77f
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    "v"."period",
    CAST(NULLIF("v"."as_of", '') AS DATE) AS "as_of"
  FROM (
    SELECT
      UNNEST(CAST(STRING_SPLIT('2024-01-01,2024-02-01,2024-03-01', ',') AS DATE[])) AS "period",
      UNNEST(STRING_SPLIT('2024-02-01,2024-03-01,2024-04-01', ',')) AS "as_of"
  ) AS v
), "l0" /* metric mrr (metrics/metrics.yml:9) as v0: sum over subscriptions, snapshot_interval */ AS (
  SELECT
    "s"."period" AS "period",
    "t"."plan" AS "d0",
    SUM("t"."mrr") AS "v0",
    COUNT("t"."mrr") AS "n0"
  FROM "spine" AS "s"
  INNER JOIN "hw_subscriptions" AS "t"
    ON "t"."started_at" < CAST("s"."as_of" AS TIMESTAMP)
    AND (
      "t"."ended_at" IS NULL OR "t"."ended_at" >= CAST("s"."as_of" AS TIMESTAMP)
    )
  GROUP BY
    "s"."period",
    "t"."plan"
), "dim_keys" /* every dimension value seen in range */ AS (
  SELECT
    "k"."d0"
  FROM (
    SELECT DISTINCT
      "l0"."d0"
    FROM "l0"
    INNER JOIN "spine"
      ON "l0"."period" = "spine"."period"
  ) AS k
), "frame" /* periods x dimension values */ AS (
  SELECT
    "s"."period",
    "k"."d0"
  FROM "spine" AS "s"
  CROSS JOIN "dim_keys" AS "k"
)
/* metric mrr (metrics/metrics.yml:9) */
SELECT
  "f"."period",
  "f"."d0",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "frame" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period" AND "l0"."d0" IS NOT DISTINCT FROM "f"."d0"
