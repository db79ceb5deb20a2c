-- headway: metric urgent (metrics/metrics.yml:7)
-- grain=day by=- engine=duckdb spec=a9c238ba3ebe5364
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    "v"."period",
    "v"."c0" = 't' AS "c0"
  FROM (
    SELECT
      UNNEST(CAST(STRING_SPLIT('2024-03-04,2024-03-05,2024-03-06,2024-03-07', ',') AS DATE[])) AS "period",
      UNNEST(STRING_SPLIT('f,t,t,t', ',')) AS "c0"
  ) AS v
), "l0" /* metric urgent (metrics/metrics.yml:7) as v0: count over tickets, plain */ AS (
  SELECT
    CAST("t"."opened_at" AS DATE) AS "period",
    COUNT(*) AS "v0"
  FROM "hw_tickets" AS "t"
  WHERE
    (
      "t"."opened_at" >= CAST('2024-03-04 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."opened_at" < CAST('2024-03-08 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."priority" = 'high'
    )
  GROUP BY
    CAST("t"."opened_at" AS DATE)
)
/* metric urgent (metrics/metrics.yml:7) */
SELECT
  "f"."period",
  CASE WHEN "f"."c0" THEN COALESCE("l0"."v0", 0) END AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
