-- headway: metric tickets (metrics/metrics.yml:2)
-- grain=month by=- engine=duckdb spec=a9c238ba3ebe5364
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    "v"."period",
    "v"."requested" = 't' AS "requested",
    CAST(NULLIF("v"."compare_period", '') AS DATE) AS "compare_period",
    "v"."c0" = 't' AS "c0"
  FROM (
    SELECT
      UNNEST(CAST(STRING_SPLIT('2023-03-01,2024-03-01', ',') AS DATE[])) AS "period",
      UNNEST(STRING_SPLIT('f,t', ',')) AS "requested",
      UNNEST(STRING_SPLIT(',2023-03-01', ',')) AS "compare_period",
      UNNEST(STRING_SPLIT('f,t', ',')) AS "c0"
  ) AS v
), "l0" /* metric tickets (metrics/metrics.yml:2) as v0: count over tickets, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t"."opened_at") AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_tickets" AS "t"
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "t"."opened_at") AS DATE)
), "result" /* metric tickets (metrics/metrics.yml:2) */ AS (
  SELECT
    "f"."period",
    "f"."requested",
    "f"."compare_period",
    CASE WHEN "f"."c0" THEN COALESCE("l0"."v0", 0) END AS "value",
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
