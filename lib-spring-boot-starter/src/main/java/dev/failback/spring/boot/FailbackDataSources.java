package dev.failback.spring.boot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;

/**
 * Which of the application's DataSources Failback uses: the target is the bean named
 * {@value #TARGET_BEAN} when there is one, else the application's primary (or only) DataSource; staging
 * is the bean named {@value #STAGING_BEAN} when there is one, else the target database (under
 * {@code failback.staging-schema}).
 *
 * @param target      the target DataSource
 * @param targetBean  its bean name
 * @param staging     the staging DataSource, or null to stage in the target database
 * @param stagingBean its bean name, or null
 */
record FailbackDataSources(DataSource target, String targetBean, DataSource staging, String stagingBean) {
    /** The name of the bean Failback applies changes to, when the primary DataSource is not the target: {@value}. */
    static final String TARGET_BEAN = "failbackTargetDataSource";
    /** The name of the bean Failback stages in, when staging is not in the target database: {@value}. */
    static final String STAGING_BEAN = "failbackStagingDataSource";

    /**
     * Finds the DataSources, adding what is wrong to {@code problems}.
     *
     * @param beans    the application's beans
     * @param problems where to add problems, one line each
     * @return the DataSources, or null when there is no usable target
     */
    static FailbackDataSources resolve(ListableBeanFactory beans, List<String> problems) {
        DataSource staging = null;
        if (beans.containsBean(STAGING_BEAN)) {
            staging = named(beans, STAGING_BEAN, problems);
        }
        String targetBean;
        DataSource target;
        if (beans.containsBean(TARGET_BEAN)) {
            targetBean = TARGET_BEAN;
            target = named(beans, TARGET_BEAN, problems);
        } else {
            List<String> names = new ArrayList<>(Arrays.asList(beans.getBeanNamesForType(DataSource.class)));
            names.remove(STAGING_BEAN);
            if (names.isEmpty()) {
                problems.add("no target DataSource: set spring.datasource.url (and spring.datasource.username,"
                        + " spring.datasource.password) to the database Failback applies changes to, or define a"
                        + " DataSource bean named " + TARGET_BEAN + "; or set " + FailbackProperties.PREFIX
                        + ".enabled=false");
                return null;
            }
            if (names.size() == 1) {
                targetBean = names.get(0);
                target = named(beans, targetBean, problems);
            } else {
                try {
                    target = beans.getBeanProvider(DataSource.class).getIfAvailable();
                } catch (NoUniqueBeanDefinitionException e) {
                    target = null;
                }
                targetBean = target == null ? null : nameOf(beans, target, names);
                if (target == null || targetBean == null) {
                    problems.add("several DataSources (" + String.join(", ", names) + ") and none is @Primary: mark the"
                            + " target @Primary or name it " + TARGET_BEAN);
                    return null;
                }
            }
        }
        if (target == null) {
            return null;
        }
        if (staging == target) {
            // the same pool twice: stage in the target database, as when no staging bean is given
            staging = null;
        }
        return new FailbackDataSources(target, targetBean, staging, staging == null ? null : STAGING_BEAN);
    }

    private static DataSource named(ListableBeanFactory beans, String name, List<String> problems) {
        try {
            return beans.getBean(name, DataSource.class);
        } catch (BeansException e) {
            problems.add("the bean " + name + " is not a usable DataSource: " + e.getMessage());
            return null;
        }
    }

    private static String nameOf(ListableBeanFactory beans, DataSource ds, List<String> names) {
        for (String n : names) {
            if (beans.getBean(n) == ds) {
                return n;
            }
        }
        return null;
    }

    /**
     * Describes where staging lives, for the log.
     *
     * @param stagingSchema the staging schema
     * @return a short description
     */
    String describeStaging(String stagingSchema) {
        return (staging == null ? "the target database (" + targetBean + ")" : stagingBean) + ", schema " + stagingSchema;
    }
}
