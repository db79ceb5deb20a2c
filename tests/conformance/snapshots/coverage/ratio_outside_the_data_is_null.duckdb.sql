-- headway: metric urgent_share (metrics/metrics.yml:13)
-- grain=day by=- engine=duckdb spec=a9c238ba3ebe5364
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    "v"."period",
    "v"."c0" = 't' AS "c0",
    "v"."c1" = 't' AS "c1"
  FROM (
    SELECT
      UNNEST(CAST(STRING_SPLIT('2024-03-04,2024-03-05,2024-03-06', ',') AS DATE[])) AS "period",
      UNNEST(STRING_SPLIT('f,t,t', ',')) AS "c0",
      UNNEST(STRING_SPLIT('f,t,t', ',')) AS "c1"
  ) AS v
), "g0" /* metric urgent (metrics/metrics.yml:7) as v0; metric tickets (metrics/metrics.yml:2) as v1: over tickets, plain */ AS (
  SELECT
    CAST("t"."opened_at" AS DATE) AS "period",
    COUNT(*) FILTER(WHERE
      (
        "t"."priority" = 'high'
      )) AS "v0",
    COUNT(*) AS "v1"
  FROM "hw_tickets" AS "t"
  WHERE
    (
      "t"."opened_at" >= CAST('2024-03-04 00:00:00' AS TIMESTAMP)
    )
    AND (
      "t"."opened_at" < CAST('2024-03-07 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST("t"."opened_at" AS DATE)
)
/* metric urgent_share (metrics/metrics.yml:13) */
SELECT
  "f"."period",
  CAST(CASE WHEN "f"."c0" THEN COALESCE("g0"."v0", 0) END AS DOUBLE) / NULLIF(CAST(CASE WHEN "f"."c1" THEN COALESCE("g0"."v1", 0) END AS DOUBLE), 0) AS "value",
  COALESCE("g0"."v1", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "g0"
  ON "g0"."period" = "f"."period"
