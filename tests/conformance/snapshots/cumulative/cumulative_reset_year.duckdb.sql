-- headway: metric users_ytd (metrics/metrics.yml:8)
-- grain=month by=- engine=duckdb spec=f50b6333af194d45
WITH "spine" /* calendar: every period in range */ AS (
  SELECT
    "v"."period",
    CAST(NULLIF("v"."period_end", '') AS DATE) AS "period_end",
    CAST(NULLIF("v"."w0", '') AS DATE) AS "w0"
  FROM (
    SELECT
      UNNEST(CAST(STRING_SPLIT('2023-11-01,2023-12-01,2024-01-01,2024-02-01,2024-03-01,2024-04-01', ',') AS DATE[])) AS "period",
      UNNEST(STRING_SPLIT('2023-12-01,2024-01-01,2024-02-01,2024-03-01,2024-04-01,2024-05-01', ',')) AS "period_end",
      UNNEST(STRING_SPLIT('2023-01-01,2023-01-01,2024-01-01,2024-01-01,2024-01-01,2024-01-01', ',')) AS "w0"
  ) AS v
), "l0_days" /* metric users_ytd (metrics/metrics.yml:8) as v0: count over signups, cumulative (per-day partials) */ AS (
  SELECT
    CAST("t"."ts" AS DATE) AS "day",
    COUNT(*) AS "c"
  FROM "hw_signups" AS "t"
  GROUP BY
    CAST("t"."ts" AS DATE)
), "l0" /* metric users_ytd (metrics/metrics.yml:8) as v0: count over signups, cumulative */ AS (
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
/* metric users_ytd (metrics/metrics.yml:8) */
SELECT
  "f"."period",
  COALESCE("l0"."v0", 0) AS "value",
  COALESCE("l0"."v0", 0) AS "n"
FROM "spine" AS "f"
LEFT JOIN "l0"
  ON "l0"."period" = "f"."period"
