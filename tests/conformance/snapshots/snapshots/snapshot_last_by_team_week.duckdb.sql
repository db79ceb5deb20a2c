-- headway: metric headcount (metrics/metrics.yml:19)
-- grain=week by=team engine=duckdb spec=a93f60dc9f09e77f
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF("v"."period", '') AS DATE) AS "period",
    CAST(NULLIF("v"."period_end", '') AS DATE) AS "period_end",
    CAST(NULLIF("v"."as_of", '') AS DATE) AS "as_of",
    "v"."requested" = 't' AS "requested",
    CAST(NULLIF("v"."compare_period", '') AS DATE) AS "compare_period",
    "v"."c0" = 't' AS "c0"
  FROM (
    SELECT
      UNNEST(STRING_SPLIT('2024-01-29,2024-02-05', ',')) AS "period",
      UNNEST(STRING_SPLIT('2024-02-05,2024-02-12', ',')) AS "period_end",
      UNNEST(STRING_SPLIT('2024-02-05,2024-02-12', ',')) AS "as_of",
      UNNEST(STRING_SPLIT('t,t', ',')) AS "requested",
      UNNEST(STRING_SPLIT(',', ',')) AS "compare_period",
      UNNEST(STRING_SPLIT('t,t', ',')) AS "c0"
  ) AS v
), "l0_last" /* metric headcount (metrics/metrics.yml:19) as v0: sum over headcount, snapshot_last (snapshot times) */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', CAST("t"."day" AS TIMESTAMP)) AS DATE) AS "period",
    MAX(CAST("t"."day" AS TIMESTAMP)) AS "ts"
  FROM "hw_headcount" AS "t"
  GROUP BY
    CAST(DATE_TRUNC('WEEK', CAST("t"."day" AS TIMESTAMP)) AS DATE)
), "l0" /* metric headcount (metrics/metrics.yml:19) as v0: sum over headcount, snapshot_last */ AS (
  SELECT
    "s"."period" AS "period",
    "t"."team" AS "d0",
    SUM("t"."employees") AS "v0",
    COUNT("t"."employees") AS "n0"
  FROM "hw_headcount" AS "t"
  INNER JOIN "l0_last" AS "s"
    ON CAST("t"."day" AS TIMESTAMP) = "s"."ts"
  GROUP BY
    "s"."period",
    "t"."team"
), "dim_keys" /* every dimension value seen in range */ AS (
  SELECT
    "k"."d0"
  FROM (
    SELECT DISTINCT
      "l0"."d0"
    FROM "l0"
    INNER JOIN "spine"
      ON "l0"."period" = "spine"."period"
    WHERE
      "spine"."requested"
  ) AS k
), "frame" /* periods x dimension values */ AS (
  SELECT
    "s"."period",
    "s"."as_of",
    "s"."requested",
    "s"."compare_period",
    "s"."c0",
    "k"."d0"
  FROM "spine" AS "s"
  CROSS JOIN "dim_keys" AS "k"
), "result" /* metric headcount (metrics/metrics.yml:19) */ AS (
  SELECT
    "f"."period",
    "f"."requested",
    "f"."compare_period",
    "f"."d0",
    CASE WHEN "f"."c0" THEN COALESCE("l0"."v0", 0) END AS "value",
    COALESCE("l0"."n0", 0) AS "n"
  FROM "frame" AS "f"
  LEFT JOIN "l0"
    ON "l0"."period" = "f"."period" AND "l0"."d0" IS NOT DISTINCT FROM "f"."d0"
)
SELECT
  "r"."period",
  "r"."d0",
  "r"."value",
  "r"."n"
FROM "result" AS "r"
WHERE
  "r"."requested"
