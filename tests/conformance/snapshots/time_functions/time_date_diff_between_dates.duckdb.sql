-- headway: metric days_past_due (metrics/metrics.yml:130)
-- grain=year by=id engine=duckdb spec=60b23d01cd5fee8a
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-01', ',') AS DATE[])) AS "period"
), "l0" /* metric days_past_due (metrics/metrics.yml:130) as v0: max over pulls, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', TIMEZONE('America/New_York', CAST("t"."opened_at" AS TIMESTAMPTZ))) AS DATE) AS "period",
    "t"."id" AS "d0",
    MAX(
      CAST(SIGN(
        EPOCH_US(
          CAST(CAST(TIMEZONE('America/New_York', CAST("t"."merged_at" AS TIMESTAMPTZ)) AS DATE) AS TIMESTAMP)
        ) - EPOCH_US(CAST("t"."due" AS TIMESTAMP))
      ) * FLOOR(
        CAST(ABS(
          EPOCH_US(
            CAST(CAST(TIMEZONE('America/New_York', CAST("t"."merged_at" AS TIMESTAMPTZ)) AS DATE) AS TIMESTAMP)
          ) - EPOCH_US(CAST("t"."due" AS TIMESTAMP))
        ) AS DOUBLE) / NULLIF(CAST(86400000000.0 AS DOUBLE), 0)
      ) AS BIGINT)
    ) AS "v0",
    COUNT(
      CAST(SIGN(
        EPOCH_US(
          CAST(CAST(TIMEZONE('America/New_York', CAST("t"."merged_at" AS TIMESTAMPTZ)) AS DATE) AS TIMESTAMP)
        ) - EPOCH_US(CAST("t"."due" AS TIMESTAMP))
      ) * FLOOR(
        CAST(ABS(
          EPOCH_US(
            CAST(CAST(TIMEZONE('America/New_York', CAST("t"."merged_at" AS TIMESTAMPTZ)) AS DATE) AS TIMESTAMP)
          ) - EPOCH_US(CAST("t"."due" AS TIMESTAMP))
        ) AS DOUBLE) / NULLIF(CAST(86400000000.0 AS DOUBLE), 0)
      ) AS BIGINT)
    ) AS "n0"
  FROM "hw_pulls" AS "t"
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
/* metric days_past_due (metrics/metrics.yml:130) */
SELECT
  "f"."period",
  "f"."d0",
  "l0"."v0" AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "frame" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period" AND "l0"."d0" IS NOT DISTINCT FROM "f"."d0"
