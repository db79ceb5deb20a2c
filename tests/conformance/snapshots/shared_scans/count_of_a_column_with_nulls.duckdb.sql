-- headway: metric with_plan (metrics/metrics.yml:37)
-- grain=day by=- engine=duckdb spec=0f130db60efdb39a
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
      UNNEST(STRING_SPLIT('2024-01-01,2024-01-02,2024-01-03', ',')) AS "period",
      UNNEST(STRING_SPLIT('2024-01-02,2024-01-03,2024-01-04', ',')) AS "period_end",
      UNNEST(STRING_SPLIT('2024-01-02,2024-01-03,2024-01-04', ',')) AS "as_of",
      UNNEST(STRING_SPLIT('t,t,t', ',')) AS "requested",
      UNNEST(STRING_SPLIT(',,', ',')) AS "compare_period",
      UNNEST(STRING_SPLIT('t,t,t', ',')) AS "c0"
  ) AS v
), "l0" /* metric with_plan (metrics/metrics.yml:37) as v0: count over subs, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    COUNT("t"."plan") AS "v0"
  FROM "hw_subs" AS "t"
  GROUP BY
    CAST("t"."ts" AS DATE)
), "frame" /* periods x dimension values */ AS (
  SELECT
    "s"."period",
    "s"."as_of",
    "s"."requested",
    "s"."compare_period",
    "s"."c0"
  FROM "spine" AS "s"
), "result" /* metric with_plan (metrics/metrics.yml:37) */ AS (
  SELECT
    "f"."period",
    "f"."requested",
    "f"."compare_period",
    CASE WHEN "f"."c0" THEN COALESCE("l0"."v0", 0) END AS "value",
    COALESCE("l0"."v0", 0) AS "n"
  FROM "frame" AS "f"
  LEFT JOIN "l0"
    ON "l0"."period" = "f"."period"
)
SELECT
  "r"."period",
  "r"."value",
  "r"."n"
FROM "result" AS "r"
WHERE
  "r"."requested"
