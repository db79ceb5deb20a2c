-- headway: metric tickets (metrics/metrics.yml:2)
-- grain=day by=- engine=duckdb spec=a9c238ba3ebe5364
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
      UNNEST(STRING_SPLIT(
        '2024-03-03,2024-03-04,2024-03-05,2024-03-06,2024-03-07,2024-03-08,2024-03-09,2024-03-10,2024-03-11',
        ','
      )) AS "period",
      UNNEST(STRING_SPLIT(
        '2024-03-04,2024-03-05,2024-03-06,2024-03-07,2024-03-08,2024-03-09,2024-03-10,2024-03-11,2024-03-12',
        ','
      )) AS "period_end",
      UNNEST(STRING_SPLIT(
        '2024-03-04,2024-03-05,2024-03-06,2024-03-07,2024-03-08,2024-03-09,2024-03-10,2024-03-11,2024-03-12',
        ','
      )) AS "as_of",
      UNNEST(STRING_SPLIT('t,t,t,t,t,t,t,t,t', ',')) AS "requested",
      UNNEST(STRING_SPLIT(',,,,,,,,', ',')) AS "compare_period",
      UNNEST(STRING_SPLIT('f,f,t,t,t,t,t,f,f', ',')) AS "c0"
  ) AS v
), "l0" /* metric tickets (metrics/metrics.yml:2) as v0: count over tickets, plain */ AS (
  SELECT
    CAST("t"."opened_at" AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_tickets" AS "t"
  GROUP BY
    CAST("t"."opened_at" AS DATE)
), "frame" /* periods x dimension values */ AS (
  SELECT
    "s"."period",
    "s"."as_of",
    "s"."requested",
    "s"."compare_period",
    "s"."c0"
  FROM "spine" AS "s"
), "result" /* metric tickets (metrics/metrics.yml:2) */ AS (
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
