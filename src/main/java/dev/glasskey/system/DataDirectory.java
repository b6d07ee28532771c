package dev.glasskey.system;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@code glasskey.data-dir} absolute before anything reads it. H2 refuses a database URL
 * with an implicitly relative path ({@code data/glasskey}), so an operator's
 * {@code GLASSKEY_DATA_DIR=data} would otherwise stop the first start with an obscure error.
 */
public class DataDirectory implements EnvironmentPostProcessor, Ordered {
    static final String PROPERTY = "glasskey.data-dir";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String configured = environment.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            return;
        }
        String absolute = Path.of(configured.strip()).toAbsolutePath().normalize().toString();
        if (!absolute.equals(configured)) {
            environment.getPropertySources().addFirst(new MapPropertySource("glasskeyDataDirectory", Map.of(PROPERTY, absolute)));
        }
    }

    @Override
    public int getOrder() {
        // After the configuration files and the environment have been read.
        return Ordered.LOWEST_PRECEDENCE;
    }
}
