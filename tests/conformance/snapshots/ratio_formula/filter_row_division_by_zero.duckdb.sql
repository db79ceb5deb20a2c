-- headway: metric engaging_rows (metrics/metrics.yml:32)
-- grain=day by=- engine=duckdb spec=29821c834b27e810
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-04-01,2024-04-02,2024-04-03,2024-04-04,2024-04-05', ',') AS DATE[])) AS "period"
), "l0" /* metric engaging_rows (metrics/metrics.yml:32) as v0: count over ads, plain */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_ads" AS "t"
  WHERE
    (
      CAST("t"."clicks" AS DOUBLE) / NULLIF(CAST(NULLIF("t"."impressions", 0) AS DOUBLE), 0) >= 0.5
    )
  GROUP BY
    CAST("t"."ts" AS DATE)
)
/* metric engaging_rows (metrics/metrics.yml:32) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
