-- headway: metric visits (metrics/metrics.yml:2)
-- grain=month by=channel engine=duckdb spec=4eb3eaed1f6f0ea1
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    "v"."period",
    "v"."requested" = 't' AS "requested",
    CAST(NULLIF("v"."compare_period", '') AS DATE) AS "compare_period"
  FROM (
    SELECT
      UNNEST(CAST(STRING_SPLIT('2023-03-01,2024-03-01', ',') AS DATE[])) AS "period",
      UNNEST(STRING_SPLIT('f,t', ',')) AS "requested",
      UNNEST(STRING_SPLIT(',2023-03-01', ',')) AS "compare_period"
  ) AS v
), "l0" /* metric visits (metrics/metrics.yml:2) as v0: count over visits, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t"."ts") AS DATE) AS "period",
    "t"."channel" AS "d0",
    COUNT(*) AS "v0"
  FROM "hw_visits" AS "t"
  WHERE
    (
      "t"."ts" >= CAST('2023-03-01 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."ts" < CAST('2024-04-01 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "t"."ts") AS DATE),
    "t"."channel"
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
    "s"."requested",
    "s"."compare_period",
    "k"."d0"
  FROM "spine" AS "s"
  CROSS JOIN "dim_keys" AS "k"
), "result" /* metric visits (metrics/metrics.yml:2) */ AS (
  SELECT
    "f"."period",
    "f"."requested",
    "f"."compare_period",
    "f"."d0",
    COALESCE("l0"."v0", 0) AS "value",
    COALESCE("l0"."v0", 0) AS "n"
  FROM "frame" AS "f"
  LEFT JOIN "l0"
    ON "l0"."period" = "f"."period" AND "l0"."d0" IS NOT DISTINCT FROM "f"."d0"
)
SELECT
  "r"."period",
  "r"."d0",
  "r"."value",
  "r"."n",
  "r"."compare_period" AS "compare_period",
  "c"."value" AS "compare_value",
  "r"."value" - "c"."value" AS "change",
  CAST("r"."value" - "c"."value" AS DOUBLE) / NULLIF(CAST(ABS("c"."value") AS DOUBLE), 0) AS "change_pct"
FROM "result" AS "r"
LEFT JOIN "result" AS "c"
  ON "c"."period" = "r"."compare_period" AND "c"."d0" IS NOT DISTINCT FROM "r"."d0"
WHERE
  "r"."requested"
