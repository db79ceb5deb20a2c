-- headway: metric arpa (metrics/metrics.yml:16)
-- grain=day by=- engine=duckdb spec=0f130db60efdb39a
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01,2024-01-02,2024-01-03', ',') AS DATE[])) AS "period"
), "g0" /* metric paid_mrr (metrics/metrics.yml:2) as v0; metric paying (metrics/metrics.yml:9) as v1: over subs, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    SUM("t"."mrr") AS "v0",
    COUNT("t"."mrr") AS "n0",
    COUNT(DISTINCT "t"."account_id") AS "v1"
  FROM "hw_subs" AS "t"
  WHERE
    (
      NOT "t"."is_trial"
    )
  GROUP BY
    CAST("t"."ts" AS DATE)
)
/* metric arpa (metrics/metrics.yml:16) */
SELECT
  "f"."period",
  CAST(COALESCE("g0"."v0", 0) AS DOUBLE) / NULLIF(CAST(COALESCE("g0"."v1", 0) AS DOUBLE), 0) AS "value",
  COALESCE("g0"."v1", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "g0"
  ON "g0"."period" = "f"."period"
