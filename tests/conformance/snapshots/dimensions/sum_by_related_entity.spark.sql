-- headway: metric seconds_used (metrics/metrics.yml:11)
-- grain=week by=account.plan engine=spark spec=a3d6d4b92078c5b6
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-03-04'),
    ('2024-03-11'),
    ('2024-03-18') AS v(`period`)
), `l0` /* metric seconds_used (metrics/metrics.yml:11) as v0: sum over events, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE) AS `period`,
    `j0`.`plan` AS `d0`,
    SUM(`t`.`properties`.`seconds`) AS `v0`,
    COUNT(`t`.`properties`.`seconds`) AS `n0`
  FROM `hw_events` AS `t`
  LEFT JOIN `hw_accounts` AS `j0`
    ON `t`.`account_id` = `j0`.`account_id`
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
/* metric seconds_used (metrics/metrics.yml:11) */
SELECT
  `f`.`period`,
  `f`.`d0`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `frame` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period` AND `l0`.`d0` IS NOT DISTINCT FROM `f`.`d0`
