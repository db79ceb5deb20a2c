-- headway: metric median_seconds_7d (metrics/metrics.yml:15)
-- grain=day by=- engine=duckdb spec=870ed8002598a015
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    "v"."period",
    CAST(NULLIF("v"."period_end", '') AS DATE) AS "period_end",
    CAST(NULLIF("v"."w0", '') AS DATE) AS "w0"
  FROM (
    SELECT
      UNNEST(CAST(STRING_SPLIT(
        '2024-05-08,2024-05-09,2024-05-10,2024-05-11,2024-05-12,2024-05-13,2024-05-14,2024-05-15,2024-05-16,2024-05-17',
        ','
      ) AS DATE[])) AS "period",
      UNNEST(STRING_SPLIT(
        '2024-05-09,2024-05-10,2024-05-11,2024-05-12,2024-05-13,2024-05-14,2024-05-15,2024-05-16,2024-05-17,2024-05-18',
        ','
      )) AS "period_end",
      UNNEST(STRING_SPLIT(
        '2024-05-02,2024-05-03,2024-05-04,2024-05-05,2024-05-06,2024-05-07,2024-05-08,2024-05-09,2024-05-10,2024-05-11',
        ','
      )) AS "w0"
  ) AS v
), "l0_days" /* metric median_seconds_7d (metrics/metrics.yml:15) as v0: median over activity, window (per-day partials) */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "day",
    "t"."seconds" AS "x"
  FROM "hw_activity" AS "t"
  WHERE
    (
      "t"."ts" >= CAST('2024-05-02 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."ts" < CAST('2024-05-18 00:00:00' AS TIMESTAMP)
    )
), "l0" /* metric median_seconds_7d (metrics/metrics.yml:15) as v0: median over activity, window */ AS (
  SELECT
    "s"."period" AS "period",
    QUANTILE_CONT("b"."x", 0.5) AS "v0",
    COUNT("b"."x") AS "n0"
  FROM "spine" AS "s"
  INNER JOIN "l0_days" AS "b"
    ON (
      "b"."day" < "s"."period_end"
    ) AND (
      "b"."day" >= "s"."w0"
    )
  GROUP BY
    "s"."period"
)
/* metric median_seconds_7d (metrics/metrics.yml:15) */
SELECT
  "f"."period",
  "l0"."v0" AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
