-- headway: metric events (metrics/metrics.yml:2)
-- grain=week by=properties.feature engine=duckdb spec=a3d6d4b92078c5b6
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
      UNNEST(STRING_SPLIT('2024-03-04,2024-03-11,2024-03-18', ',')) AS "period",
      UNNEST(STRING_SPLIT('2024-03-11,2024-03-18,2024-03-25', ',')) AS "period_end",
      UNNEST(STRING_SPLIT('2024-03-11,2024-03-18,2024-03-25', ',')) AS "as_of",
      UNNEST(STRING_SPLIT('t,t,t', ',')) AS "requested",
      UNNEST(STRING_SPLIT(',,', ',')) AS "compare_period",
      UNNEST(STRING_SPLIT('t,t,t', ',')) AS "c0"
  ) AS v
), "l0" /* metric events (metrics/metrics.yml:2) as v0: count over events, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', "t"."ts") AS DATE) AS "period",
    "t"."properties"."feature" AS "d0",
    COUNT(*) AS "v0"
  FROM "hw_events" AS "t"
  GROUP BY
    CAST(DATE_TRUNC('WEEK', "t"."ts") AS DATE),
    "t"."properties"."feature"
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
), "result" /* metric events (metrics/metrics.yml:2) */ AS (
  SELECT
    "f"."period",
    "f"."requested",
    "f"."compare_period",
    "f"."d0",
    CASE WHEN "f"."c0" THEN COALESCE("l0"."v0", 0) END AS "value",
    COALESCE("l0"."v0", 0) AS "n"
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
