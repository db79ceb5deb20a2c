-- headway: metric paid_events (metrics/metrics.yml:2)
-- grain=week by=plan engine=spark spec=3a9995f36158fd6e
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-03-04') AS v(`period`)
), `l0` /* metric paid_events (metrics/metrics.yml:2) as v0: count over events, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE) AS `period`,
    `j0`.`plan` AS `d0`,
    COUNT(*) AS `v0`
  FROM `hw_events` AS `t`
  LEFT JOIN `hw_accounts` AS `j0`
    ON `t`.`account_id` = `j0`.`account_id`
  WHERE
    (
      `j0`.`plan` <> 'free'
    )
  GROUP BY
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE),
    `j0`.`plan`
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
/* metric paid_events (metrics/metrics.yml:2) */
SELECT
  `f`.`period`,
  `f`.`d0`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `frame` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period` AND `l0`.`d0` IS NOT DISTINCT FROM `f`.`d0`
