-- headway: metric cpc (metrics/metrics.yml:43)
-- grain=day by=- engine=duckdb spec=29821c834b27e810
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF("v"."period", '') AS DATE) AS "period",
    CAST(NULLIF("v"."period_end", '') AS DATE) AS "period_end",
    CAST(NULLIF("v"."as_of", '') AS DATE) AS "as_of",
    "v"."requested" = 't' AS "requested",
    CAST(NULLIF("v"."compare_period", '') AS DATE) AS "compare_period",
    "v"."c0" = 't' AS "c0",
    "v"."c1" = 't' AS "c1"
  FROM (
    SELECT
      UNNEST(STRING_SPLIT('2024-04-01,2024-04-02,2024-04-03,2024-04-04,2024-04-05', ',')) AS "period",
      UNNEST(STRING_SPLIT('2024-04-02,2024-04-03,2024-04-04,2024-04-05,2024-04-06', ',')) AS "period_end",
      UNNEST(STRING_SPLIT('2024-04-02,2024-04-03,2024-04-04,2024-04-05,2024-04-06', ',')) AS "as_of",
      UNNEST(STRING_SPLIT('t,t,t,t,t', ',')) AS "requested",
      UNNEST(STRING_SPLIT(',,,,', ',')) AS "compare_period",
      UNNEST(STRING_SPLIT('t,t,t,t,t', ',')) AS "c0",
      UNNEST(STRING_SPLIT('t,t,t,t,t', ',')) AS "c1"
  ) AS v
), "g0" /* metric cost (metrics/metrics.yml:18) as v0; metric clicks (metrics/metrics.yml:2) as v1: over ads, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    SUM("t"."cost") AS "v0",
    COUNT("t"."cost") AS "n0",
    SUM("t"."clicks") AS "v1",
    COUNT("t"."clicks") AS "n1"
  FROM "hw_ads" AS "t"
  GROUP BY
    CAST("t"."ts" AS DATE)
), "frame" /* periods x dimension values */ AS (
  SELECT
    "s"."period",
    "s"."as_of",
    "s"."requested",
    "s"."compare_period",
    "s"."c0",
    "s"."c1"
  FROM "spine" AS "s"
), "result" /* metric cpc (metrics/metrics.yml:43) */ AS (
  SELECT
    "f"."period",
    "f"."requested",
    "f"."compare_period",
    CAST(CAST((
      CASE WHEN "f"."c0" THEN COALESCE("g0"."v0", 0) END
    ) AS DOUBLE) / NULLIF(CAST((
      CASE WHEN "f"."c1" THEN COALESCE("g0"."v1", 0) END
    ) AS DOUBLE), 0) AS DOUBLE) AS "value",
    CASE
      WHEN COALESCE("g0"."n0", 0) IS NULL OR COALESCE("g0"."n1", 0) IS NULL
      THEN NULL
      ELSE GREATEST(COALESCE("g0"."n0", 0), COALESCE("g0"."n1", 0))
    END AS "n"
  FROM "frame" AS "f"
  LEFT JOIN "g0"
    ON "g0"."period" = "f"."period"
)
SELECT
  "r"."period",
  "r"."value",
  "r"."n"
FROM "result" AS "r"
WHERE
  "r"."requested"
