-- headway: metric revenue (metrics/metrics.yml:9)
-- grain=day by=- engine=duckdb spec=4d6de6e8a1f6ddad
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    UNNEST(CAST(STRING_SPLIT('2024-01-31,2024-02-01', ',') AS DATE[])) AS "period"
), "l0" /* metric revenue (metrics/metrics.yml:9) as v0: sum over sales, plain */ AS (
  SELECT
    CAST(CAST("t"."day" AS TIMESTAMP) AS DATE) AS "period",
    SUM("t"."amount") AS "v0",
    COUNT("t"."amount") AS "n0"
  FROM "hw_sales" AS "t"
  WHERE
    (
      CAST("t"."day" AS TIMESTAMP) >= CAST('2024-01-31 00:00:00' AS TIMESTAMP)
    )
    AND (
      CAST("t"."day" AS TIMESTAMP) < CAST('2024-02-02 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(CAST("t"."day" AS TIMESTAMP) AS DATE)
)
/* metric revenue (metrics/metrics.yml:9) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."n0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
