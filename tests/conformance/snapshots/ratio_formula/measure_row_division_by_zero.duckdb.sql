-- headway: metric avg_row_cpc (metrics/metrics.yml:26)
-- grain=day by=- engine=duckdb spec=29821c834b27e810
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF("v"."period", '') AS DATE) AS "period",
    CAST(NULLIF("v"."period_end", '') AS DATE) AS "period_end",
    CAST(NULLIF("v"."as_of", '') AS DATE) AS "as_of",
    "v"."requested" = 't' AS "requested",
    CAST(NULLIF("v"."compare_period", '') AS DATE) AS "compare_period"
  FROM (
    SELECT
      UNNEST(STRING_SPLIT('2024-04-01,2024-04-02,2024-04-03', ',')) AS "period",
      UNNEST(STRING_SPLIT('2024-04-02,2024-04-03,2024-04-04', ',')) AS "period_end",
      UNNEST(STRING_SPLIT('2024-04-02,2024-04-03,2024-04-04', ',')) AS "as_of",
      UNNEST(STRING_SPLIT('t,t,t', ',')) AS "requested",
      UNNEST(STRING_SPLIT(',,', ',')) AS "compare_period"
  ) AS v
), "l0" /* metric avg_row_cpc (metrics/metrics.yml:26) as v0: avg over ads, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    AVG(CAST("t"."cost" AS DOUBLE) / NULLIF(CAST("t"."clicks" AS DOUBLE), 0)) AS "v0",
    COUNT(CAST("t"."cost" AS DOUBLE) / NULLIF(CAST("t"."clicks" AS DOUBLE), 0)) AS "n0"
  FROM "hw_ads" AS "t"
  WHERE
    (
      "t"."ts" >= CAST('2024-04-01 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."ts" < CAST('2024-04-04 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST("t"."ts" AS DATE)
), "frame" /* periods x dimension values */ AS (
  SELECT
    "s"."period",
    "s"."as_of",
    "s"."requested",
    "s"."compare_period"
  FROM "spine" AS "s"
), "result" /* metric avg_row_cpc (metrics/metrics.yml:26) */ AS (
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
