-- headway: metric payments (metrics/metrics.yml:2)
-- grain=day by=- engine=duckdb spec=9ba6eb38ad41a3ff
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-31,2024-02-01', ',') AS DATE[])) AS "period"
), "l0" /* metric payments (metrics/metrics.yml:2) as v0: count over payments, plain */ AS (
  SELECT
    CAST(TIMEZONE('Asia/Kolkata', CAST("t"."ts" AS TIMESTAMPTZ)) AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_payments" AS "t"
  WHERE
    (
      TIMEZONE('Asia/Kolkata', CAST("t"."ts" AS TIMESTAMPTZ)) >= CAST('2024-01-31 00:00:00' AS TIMESTAMP)
    )
    AND (
      TIMEZONE('Asia/Kolkata', CAST("t"."ts" AS TIMESTAMPTZ)) < CAST('2024-02-02 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."ts" < CAST('2024-02-03 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."ts" >= CAST('2024-01-30 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(TIMEZONE('Asia/Kolkata', CAST("t"."ts" AS TIMESTAMPTZ)) AS DATE)
)
/* metric payments (metrics/metrics.yml:2) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
