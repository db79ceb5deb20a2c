-- headway: metric seats_seen (metrics/metrics.yml:10)
-- grain=day by=- engine=spark spec=3a9995f36158fd6e
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-03-04'),
    ('2024-03-05'),
    ('2024-03-06') AS v(`period`)
), `l0` /* metric seats_seen (metrics/metrics.yml:10) as v0: sum over events, plain */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `period`,
    SUM(`j0`.`seats`) AS `v0`,
    COUNT(`j0`.`seats`) AS `n0`
  FROM `hw_events` AS `t`
  LEFT JOIN `hw_accounts` AS `j0`
    ON `t`.`account_id` = `j0`.`account_id`
  WHERE
    (
      `j0`.`plan` = 'pro' OR `j0`.`plan` IS NULL
    )
  GROUP BY
    CAST(`t`.`ts` AS DATE)
)
/* metric seats_seen (metrics/metrics.yml:10) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
