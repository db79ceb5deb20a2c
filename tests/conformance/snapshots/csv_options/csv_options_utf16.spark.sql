-- headway: metric people (metrics/metrics.yml:2)
-- grain=month by=name engine=spark spec=4d6de6e8a1f6ddad
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-01') AS v(`period`)
), `l0` /* metric people (metrics/metrics.yml:2) as v0: count over people, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', CAST(`t`.`day` AS TIMESTAMP)) AS DATE) AS `period`,
    `t`.`name` AS `d0`,
    COUNT(*) AS `v0`
  FROM `hw_people` AS `t`
  GROUP BY
    CAST(DATE_TRUNC('MONTH', CAST(`t`.`day` AS TIMESTAMP)) AS DATE),
    `t`.`name`
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
/* metric people (metrics/metrics.yml:2) */
SELECT
  `f`.`period`,
  `f`.`d0`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `frame` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period` AND `l0`.`d0` IS NOT DISTINCT FROM `f`.`d0`
