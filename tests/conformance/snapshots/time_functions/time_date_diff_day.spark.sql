-- headway: metric lead_days (metrics/metrics.yml:26)
-- grain=year by=id engine=spark spec=60b23d01cd5fee8a
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-01') AS v(`period`)
), `l0` /* metric lead_days (metrics/metrics.yml:26) as v0: max over pulls, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', FROM_UTC_TIMESTAMP(`t`.`opened_at`, 'America/New_York')) AS DATE) AS `period`,
    `t`.`id` AS `d0`,
    MAX(
      CAST(SIGN(UNIX_MICROS(`t`.`merged_at`) - UNIX_MICROS(`t`.`opened_at`)) * FLOOR(
        CAST(ABS(UNIX_MICROS(`t`.`merged_at`) - UNIX_MICROS(`t`.`opened_at`)) AS DOUBLE) / NULLIF(CAST(86400000000.0 AS DOUBLE), 0)
      ) AS BIGINT)
    ) AS `v0`,
    COUNT(
      CAST(SIGN(UNIX_MICROS(`t`.`merged_at`) - UNIX_MICROS(`t`.`opened_at`)) * FLOOR(
        CAST(ABS(UNIX_MICROS(`t`.`merged_at`) - UNIX_MICROS(`t`.`opened_at`)) AS DOUBLE) / NULLIF(CAST(86400000000.0 AS DOUBLE), 0)
      ) AS BIGINT)
    ) AS `n0`
  FROM `hw_pulls` AS `t`
  GROUP BY
    CAST(DATE_TRUNC('YEAR', FROM_UTC_TIMESTAMP(`t`.`opened_at`, 'America/New_York')) AS DATE),
    `t`.`id`
), `dim_keys` /* every dimension value seen in range */ AS (
  SELECT
    `k`.`d0`
  FROM (
    SELECT DISTINCT
      `l0`.`d0`
    FROM `l0`
    INNER JOIN `spine`
      ON `l0`.`period` = `spine`.`period`
  ) AS k
), `frame` /* periods x dimension values */ AS (
  SELECT
    `s`.`period`,
    `k`.`d0`
  FROM `spine` AS `s`
  CROSS JOIN `dim_keys` AS `k`
)
/* metric lead_days (metrics/metrics.yml:26) */
SELECT
  `f`.`period`,
  `f`.`d0`,
  `l0`.`v0` AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `frame` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period` AND `l0`.`d0` IS NOT DISTINCT FROM `f`.`d0`
