-- headway: metric max_order (metrics/metrics.yml:31)
-- grain=week by=- engine=duckdb spec=47a915ec6332cc5a
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF("v"."period", '') AS DATE) AS "period",
    CAST(NULLIF("v"."period_end", '') AS DATE) AS "period_end",
    CAST(NULLIF("v"."as_of", '') AS DATE) AS "as_of",
    "v"."requested" = 't' AS "requested",
    CAST(NULLIF("v"."compare_period", '') AS DATE) AS "compare_period"
  FROM (
    SELECT
      UNNEST(STRING_SPLIT('2024-01-01', ',')) AS "period",
      UNNEST(STRING_SPLIT('2024-01-08', ',')) AS "period_end",
      UNNEST(STRING_SPLIT('2024-01-08', ',')) AS "as_of",
      UNNEST(STRING_SPLIT('t', ',')) AS "requested",
      UNNEST(STRING_SPLIT('', ',')) AS "compare_period"
  ) AS v
), "l0" /* metric max_order (metrics/metrics.yml:31) as v0: max over orders, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', "t"."ts") AS DATE) AS "period",
    MAX("t"."amount") AS "v0",
    COUNT("t"."amount") AS "n0"
  FROM "hw_orders" AS "t"
  GROUP BY
    CAST(DATE_TRUNC('WEEK', "t"."ts") AS DATE)
), "frame" /* periods x dimension values */ AS (
  SELECT
    "s"."period",
    "s"."as_of",
    "s"."requested",
    "s"."compare_period"
  FROM "spine" AS "s"
), "result" /* metric max_order (metrics/metrics.yml:31) */ AS (
  SELECT
    "f"."period",
    "f"."requested",
    "f"."compare_period",
    "l0"."v0" AS "value",
    COALESCE("l0"."n0", 0) AS "n"
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
