-- headway: metric visits (metrics/metrics.yml:2)
-- grain=week by=- engine=duckdb spec=4eb3eaed1f6f0ea1
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    "v"."period",
    "v"."requested" = 't' AS "requested",
    CAST(NULLIF("v"."compare_period", '') AS DATE) AS "compare_period"
  FROM (
    SELECT
      UNNEST(CAST(STRING_SPLIT('2023-03-06,2023-03-13,2024-03-04,2024-03-11', ',') AS DATE[])) AS "period",
      UNNEST(STRING_SPLIT('f,f,t,t', ',')) AS "requested",
      UNNEST(STRING_SPLIT(',,2023-03-06,2023-03-13', ',')) AS "compare_period"
  ) AS v
), "l0" /* metric visits (metrics/metrics.yml:2) as v0: count over visits, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', "t"."ts") AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_visits" AS "t"
  WHERE
    (
      "t"."ts" >= CAST('2023-03-06 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."ts" < CAST('2024-03-18 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(DATE_TRUNC('WEEK', "t"."ts") AS DATE)
), "result" /* metric visits (metrics/metrics.yml:2) */ AS (
  SELECT
    "f"."period",
    "f"."requested",
    "f"."compare_period",
    COALESCE("l0"."v0", 0) AS "value",
    COALESCE("l0"."v0", 0) AS "n"
  FROM "spine" AS "f"
  LEFT JOIN "l0"
    ON "l0"."period" = "f"."period"
)
SELECT
  "r"."period",
  "r"."value",
  "r"."n",
  "r"."compare_period" AS "compare_period",
  "c"."value" AS "compare_value",
  "r"."value" - "c"."value" AS "change",
  CAST("r"."value" - "c"."value" AS DOUBLE) / NULLIF(CAST(ABS("c"."value") AS DOUBLE), 0) AS "change_pct"
FROM "result" AS "r"
LEFT JOIN "result" AS "c"
  ON "c"."period" = "r"."compare_period"
WHERE
  "r"."requested"
