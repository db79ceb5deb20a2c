-- headway: metric events (metrics/metrics.yml:2)
-- grain=week by=properties.feature engine=spark spec=a3d6d4b92078c5b6
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-03-04'),
    ('2024-03-11'),
    ('2024-03-18') AS v(`period`)
), `l0` /* metric events (metrics/metrics.yml:2) as v0: count over events, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE) AS `period`,
    `t`.`properties`.`feature` AS `d0`,
    COUNT(*) AS `v0`
  FROM `hw_events` AS `t`
  GROUP BY
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE),
    `t`.`properties`.`feature`
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
/* metric events (metrics/metrics.yml:2) */
SELECT
  `f`.`period`,
  `f`.`d0`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `frame` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period` AND `l0`.`d0` IS NOT DISTINCT FROM `f`.`d0`
