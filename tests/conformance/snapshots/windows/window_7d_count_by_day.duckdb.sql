-- headway: metric events_7d (metrics/metrics.yml:2)
-- grain=day by=- engine=duckdb spec=870ed8002598a015
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    "v"."period",
    CAST(NULLIF("v"."period_end", '') AS DATE) AS "period_end",
    CAST(NULLIF("v"."w0", '') AS DATE) AS "w0"
  FROM (
    SELECT
      UNNEST(CAST(STRING_SPLIT('2024-05-08,2024-05-09,2024-05-10', ',') AS DATE[])) AS "period",
      UNNEST(STRING_SPLIT('2024-05-09,2024-05-10,2024-05-11', ',')) AS "period_end",
      UNNEST(STRING_SPLIT('2024-05-02,2024-05-03,2024-05-04', ',')) AS "w0"
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
)
/* metric events_7d (metrics/metrics.yml:2) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
