-- headway: metric merged_within_a_day (metrics/metrics.yml:114)
-- grain=year by=id engine=duckdb spec=60b23d01cd5fee8a
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01', ',') AS DATE[])) AS "period"
), "l0" /* metric merged_within_a_day (metrics/metrics.yml:114) as v0: count over pulls, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', TIMEZONE('America/New_York', CAST("t"."opened_at" AS TIMESTAMPTZ))) AS DATE) AS "period",
    "t"."id" AS "d0",
    COUNT(*) AS "v0"
  FROM "hw_pulls" AS "t"
  WHERE
    (
      "t"."merged_at" < CAST("t"."opened_at" AS TIMESTAMP) + INTERVAL '1' DAY
    )
  GROUP BY
    CAST(DATE_TRUNC('YEAR', TIMEZONE('America/New_York', CAST("t"."opened_at" AS TIMESTAMPTZ))) AS DATE),
    "t"."id"
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
/* metric merged_within_a_day (metrics/metrics.yml:114) */
SELECT
  "f"."period",
  "f"."d0",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "frame" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period" AND "l0"."d0" IS NOT DISTINCT FROM "f"."d0"
