-- headway: metric events_7d (metrics/metrics.yml:2)
-- grain=day by=- engine=duckdb spec=870ed8002598a015
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF("v"."period", '') AS DATE) AS "period",
    CAST(NULLIF("v"."period_end", '') AS DATE) AS "period_end",
    CAST(NULLIF("v"."as_of", '') AS DATE) AS "as_of",
    "v"."requested" = 't' AS "requested",
    CAST(NULLIF("v"."compare_period", '') AS DATE) AS "compare_period",
    CAST(NULLIF("v"."w0", '') AS DATE) AS "w0",
    "v"."c0" = 't' AS "c0"
  FROM (
    SELECT
      UNNEST(STRING_SPLIT('2024-05-08,2024-05-09,2024-05-10', ',')) AS "period",
      UNNEST(STRING_SPLIT('2024-05-09,2024-05-10,2024-05-11', ',')) AS "period_end",
      UNNEST(STRING_SPLIT('2024-05-09,2024-05-10,2024-05-11', ',')) AS "as_of",
      UNNEST(STRING_SPLIT('t,t,t', ',')) AS "requested",
      UNNEST(STRING_SPLIT(',,', ',')) AS "compare_period",
      UNNEST(STRING_SPLIT('2024-05-02,2024-05-03,2024-05-04', ',')) AS "w0",
      UNNEST(STRING_SPLIT('t,t,t', ',')) AS "c0"
  ) AS v
), "l0_days" /* metric events_7d (metrics/metrics.yml:2) as v0: count over activity, window (per-day partials) */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "day",
    COUNT(*) AS "c"
  FROM "hw_activity" AS "t"
  WHERE
    (
      "t"."ts" >= CAST('2024-05-02 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."ts" < CAST('2024-05-11 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST("t"."ts" AS DATE)
), "l0" /* metric events_7d (metrics/metrics.yml:2) as v0: count over activity, window */ AS (
  SELECT
    "s"."period" AS "period",
    SUM("b"."c") AS "v0"
  FROM "spine" AS "s"
  INNER JOIN "l0_days" AS "b"
    ON (
      "b"."day" < "s"."period_end"
    ) AND (
      "b"."day" >= "s"."w0"
    )
  GROUP BY
    "s"."period"
), "frame" /* periods x dimension values */ AS (
  SELECT
    "s"."period",
    "s"."as_of",
    "s"."requested",
    "s"."compare_period",
    "s"."c0"
  FROM "spine" AS "s"
), "result" /* metric events_7d (metrics/metrics.yml:2) */ AS (
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
