-- headway: metric trial_share (metrics/metrics.yml:32)
-- grain=day by=- engine=duckdb spec=0f130db60efdb39a
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01,2024-01-02,2024-01-03', ',') AS DATE[])) AS "period"
), "g0" /* metric trials (metrics/metrics.yml:21) as v0; metric all_subs (metrics/metrics.yml:27) as v1: over subs, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    COUNT(*) FILTER(WHERE
      (
        "t"."is_trial"
      )) AS "v0",
    COUNT(*) AS "v1"
  FROM "hw_subs" AS "t"
  GROUP BY
    CAST("t"."ts" AS DATE)
)
/* metric trial_share (metrics/metrics.yml:32) */
SELECT
  "f"."period",
  CAST(COALESCE("g0"."v0", 0) AS DOUBLE) / NULLIF(CAST(COALESCE("g0"."v1", 0) AS DOUBLE), 0) AS "value",
  COALESCE("g0"."v1", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "g0"
  ON "g0"."period" = "f"."period"
